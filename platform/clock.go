package platform

import "time"

// businessNow is the platform's clock for what the tax rules time — slip deadlines above
// all — moved by ClockOffset (kaipiao-platform --clock-offset), so that a test can let
// 72 hours pass. Envelopes, certificates and receipts keep the real clock (now): the
// replay window is minutes wide, and a platform whose transport clock is days off would
// refuse every workstation.
func (s *Server) businessNow() time.Time { return s.now().Add(s.ClockOffset) }
