"""The designer interview: from the first message to a confirmed brief."""
