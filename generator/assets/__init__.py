"""Images: photos made safe to publish, palettes, and every generated image (kinds.py lists them)."""
