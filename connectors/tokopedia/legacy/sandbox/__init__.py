"""The legacy fs API routes and renderings of the Tokopedia sandbox."""
