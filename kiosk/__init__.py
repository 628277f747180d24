"""SIM activation kiosk: scan a phone's IMEI, pick a plan, activate the SIM through Gigs."""

__version__ = "0.1.0"
