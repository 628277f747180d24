"""IMEI scanning: parsing, barcode encoding and decoding (Qt-free)."""
