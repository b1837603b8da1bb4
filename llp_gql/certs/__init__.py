"""Certificates: PDF rendering, signed download links, verification and export routes."""
