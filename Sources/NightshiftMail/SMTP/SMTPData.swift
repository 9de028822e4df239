/// A message's bytes as SMTP's DATA carries them (RFC 5321 §4.5.2): every line ending CRLF, a
/// line that starts with `.` given another `.` in front (dot-stuffing), and the last line ended
/// with CRLF when the message does not end with one. The terminating `.` CRLF is not included.
///
/// A bare LF and a bare CR each become CRLF: RFC 5321 §2.3.8 forbids them, and servers that take
/// either as a line end could otherwise read `LF . CRLF` in a body as the end of the message (the
/// "SMTP smuggling" ambiguity).
struct SMTPData {
    /// The bytes to write after the server's 354.
    let bytes: [UInt8]
    /// The message's size as SIZE counts it (RFC 1870 §6): line ends normalised, without the
    /// doubled dots and the terminating dot.
    let size: Int
    /// Whether the message has a byte of 0x80 or more, which needs 8BITMIME.
    let hasEightBit: Bool

    init(message: [UInt8]) {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        let dot = UInt8(ascii: ".")
        var output: [UInt8] = []
        output.reserveCapacity(message.count + message.count / 32 + 2)
        var stuffed = 0
        var eightBit = false
        var atLineStart = true
        var index = 0
        while index < message.count {
            let byte = message[index]
            if byte == cr || byte == lf {
                output.append(cr)
                output.append(lf)
                atLineStart = true
                if byte == cr, index + 1 < message.count, message[index + 1] == lf { index += 1 }
            } else {
                if atLineStart, byte == dot {
                    output.append(dot)
                    stuffed += 1
                }
                if byte >= 0x80 { eightBit = true }
                output.append(byte)
                atLineStart = false
            }
            index += 1
        }
        if !atLineStart {
            output.append(cr)
            output.append(lf)
        }
        bytes = output
        size = output.count - stuffed
        hasEightBit = eightBit
    }

    /// What ends the message: the dot on a line of its own (the CRLF before it ends the last line).
    static let terminator: [UInt8] = Array(".\r\n".utf8)
}
