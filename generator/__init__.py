"""Village Storefront: village profiles in, a branded static catalogue site out."""

__version__ = "0.1.0"
