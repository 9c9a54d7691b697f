"""Local mode: the AWS emulator, resources, demo data and trigger emulation. Never deployed."""
