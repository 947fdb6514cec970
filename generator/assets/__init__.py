"""Images: photos made safe to publish, and (later) generated marks and cards."""
