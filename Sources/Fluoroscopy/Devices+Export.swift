// The C-arm, detector and needle-shaft types this engine simulates live in Devices; importing the engine
// brings them along.
@_exported import Devices
