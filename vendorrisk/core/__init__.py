"""The kernel: what every app may import; it imports no app."""
