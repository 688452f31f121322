"""The weekly digest and the interest an atelier shows in a brief from it."""
