"""W3C Verifiable Credentials primitives: multibase keys, the eddsa-jcs-2022 proof and the
Bitstring Status List encoding. Pure functions, no database and no web: the domain
(``llp_gql.domain.credentials``) decides what is signed and with which key."""
