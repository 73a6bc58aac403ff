"""The local AWS emulator of ecap.platform: moto 5.2.5, fixes and extensions, counters, faults, lifecycles.

Run ``python -m emulator --help``; the Python API is ``emulator.control`` (see emulator/README.md).
"""
