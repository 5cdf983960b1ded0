import NIOCore

/// Writes the tag-list and catalog documents straight into a ByteBuffer. Foundation's
/// JSONEncoder spent half the time of a 1000-tag page boxing each string through Codable;
/// these documents are one or two keys and an array of strings, so a direct writer is enough.
enum ListingJSON {
    /// `{"name":"<name>","tags":[...]}`
    static func tagList(name: String, tags: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(32 + name.utf8.count + tags.reduce(0) { $0 + $1.utf8.count + 3 })
        buffer.writeStaticString("{\"name\":")
        writeString(name, to: &buffer)
        buffer.writeStaticString(",\"tags\":")
        writeArray(tags, to: &buffer)
        buffer.writeStaticString("}")
        return buffer
    }

    /// `{"repositories":[...]}`
    static func catalog(_ repositories: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(24 + repositories.reduce(0) { $0 + $1.utf8.count + 3 })
        buffer.writeStaticString("{\"repositories\":")
        writeArray(repositories, to: &buffer)
        buffer.writeStaticString("}")
        return buffer
    }

    static func writeArray(_ strings: [String], to buffer: inout ByteBuffer) {
        buffer.writeStaticString("[")
        for (index, string) in strings.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            writeString(string, to: &buffer)
        }
        buffer.writeStaticString("]")
    }

    /// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped.
    static func writeString(_ string: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 0..<0x20:
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hexDigit(byte >> 4))
                buffer.writeInteger(hexDigit(byte & 0x0F))
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
