"""The portal: the one place that assembles the service from its parts.

    llp_portal            app.py (the ASGI app), asgi.py (for uvicorn/gunicorn), cli.py
       |   \
       |    admin_ui      the HTMX admin pages (and, next to it, the learner pages)
       |       |
       v       v
    llp_gql               the core: models/, domain/ (every rule; access.py decides
                          who may do what), schema/ + resolvers/ (the GraphQL
                          contract), transport/ (HTTP view and request limits),
                          certs/ (PDFs, links, exports), app.py (API app factory)

Arrows point down only: the core imports no web pages and nothing from here, and
the pages reach data only through ``llp_gql.domain`` (tests/test_layers.py and
tests/admin_ui/test_layering.py fail on a wrong arrow). docs/architecture.md has
the longer picture.
"""
