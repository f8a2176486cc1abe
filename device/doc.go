// Package device is the workstation's side of the link to the tax-control device
// (税控设备): the wire protocol of PROTOCOL.md, a transport over tarm/serial that survives
// unplugging, port discovery, and a Client that speaks the command set in domain terms.
//
// The pieces are kept apart, as in goburrow/modbus: frame.go is the frame codec (CRCs,
// hunting for the magic), wire.go, invoicecodec.go and message.go the payload encoding,
// seal.go how the device's check code, cipher text and SM2 signature are derived and
// verified, transport.go and discover.go the serial line, client.go the session,
// retransmission and deadlines, and api.go the commands. The simulator is device/sim.
//
// The one rule for callers: a mutating command that fails with ErrOutcomeUnknown may or
// may not have taken effect. Resolve it with IssuedFor / QueryByRequestID, or send the
// same request (same request ID) again; never issue it under a new request ID.
package device
