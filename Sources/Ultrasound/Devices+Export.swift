// The probe, transducer and field-of-view types this engine simulates live in Devices; importing the
// engine brings them along.
@_exported import Devices
