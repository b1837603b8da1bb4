"""The rules of the product, free of GraphQL and HTTP.

Resolvers, admin UI routes and certificate routes all call these modules;
``access`` is the only place that decides who may see or do what.
"""
