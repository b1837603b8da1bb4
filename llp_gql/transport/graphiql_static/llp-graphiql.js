// Boots GraphiQL for the LLP certificates API.
//
// Adapted from strawberry-graphql 0.341.2 (strawberry/static/graphiql.html),
// moved out of the page so that a Content-Security-Policy without
// 'unsafe-inline' scripts can be used. Differences, and why:
// - no js-cookie / x-csrftoken: the API authenticates with a Bearer token;
// - headers are neither read from the URL (a crafted link could make the
//   visitor act with somebody else's token) nor persisted in localStorage
//   (a token there outlives the tab and is readable by any script on the origin);
// - no subscription URL: the API has no subscriptions, so no WebSocket is opened.
(function () {
  "use strict";

  var DEFAULT_QUERY = [
    "# LLP certificates GraphQL API",
    "#",
    "# To act as a signed-in user, open the Headers tab below and paste",
    '#   { "Authorization": "Bearer <token>" }',
    "# (the login mutation returns a token). Headers are kept only in this tab.",
    "#",
    "# Run: Ctrl-Enter. Auto-complete: Ctrl-Space.",
    "",
    "query {",
    "  __typename",
    "}",
    "",
  ].join("\n");

  var parameters = new URLSearchParams(window.location.search);
  var fetchURL = window.location.origin + window.location.pathname;

  function updateURL(name, value) {
    if (value) {
      parameters.set(name, value);
    } else {
      parameters.delete(name);
    }
    var search = parameters.toString();
    // "query" must stay out of the page URL: GET /graphql?query=... executes
    // instead of rendering this page, hence "q".
    history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  var fetcher = GraphiQL.createFetcher({ url: fetchURL });

  function GraphiQLWithExplorer() {
    var explorerPlugin = React.useMemo(function () {
      return GraphiQLPluginExplorer.explorerPlugin();
    }, []);
    var queryState = React.useState(parameters.get("q") || DEFAULT_QUERY);
    var variablesState = React.useState(parameters.get("variables") || undefined);
    var headersState = React.useState("");

    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorerPlugin],
      query: queryState[0],
      variables: variablesState[0],
      headers: headersState[0],
      onEditQuery: function (value) {
        queryState[1](value);
        updateURL("q", value);
      },
      onEditVariables: function (value) {
        variablesState[1](value);
        updateURL("variables", value);
      },
      onEditHeaders: function (value) {
        headersState[1](value);
      },
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    });
  }

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQLWithExplorer));
})();
