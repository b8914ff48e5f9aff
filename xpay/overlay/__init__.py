"""The peer overlay: one interface, an in-process transport and an MQTT transport."""
