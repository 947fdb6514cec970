"""Hosting: a built site put where buyers reach it (an S3-compatible bucket: OSS, COS, S3)."""
