"""The TikTok Shop routes and renderings of the Tokopedia sandbox."""
