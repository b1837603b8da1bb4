"""Thin resolvers: parse input, call llp_gql.domain, convert to schema types."""
