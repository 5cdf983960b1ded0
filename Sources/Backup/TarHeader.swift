/// One POSIX ustar header block: enough of the format for Wharf's archives, which hold only
/// regular files, and strict in what it reads so another program's tar is recognised as such.
public struct TarHeader: Sendable, Equatable {
    public static let blockSize = 512

    public enum Kind: Sendable, Equatable {
        case file
        case directory
        /// Links, devices, pax and GNU extension headers: never in a Wharf backup.
        case other(UInt8)
    }

    public var name: String
    public var size: Int64
    public var mode: Int = 0o600
    public var modificationTime: Int64 = 0
    public var kind: Kind = .file

    public init(name: String, size: Int64, mode: Int = 0o600, modificationTime: Int64 = 0, kind: Kind = .file) {
        self.name = name
        self.size = size
        self.mode = mode
        self.modificationTime = modificationTime
        self.kind = kind
    }

    /// The 512-byte block. Names over 100 bytes are split at a `/` into ustar's prefix field;
    /// sizes of 8 GiB and more use the base-256 form GNU tar and bsdtar read.
    public func encoded() throws(TarError) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: Self.blockSize)
        let (prefix, last) = try Self.split(name)
        put(Array(last.utf8), at: 0, width: 100, into: &block)
        putOctal(Int64(mode), at: 100, width: 8, into: &block)
        putOctal(0, at: 108, width: 8, into: &block)
        putOctal(0, at: 116, width: 8, into: &block)
        if size < 0o77777777777 {
            putOctal(size, at: 124, width: 12, into: &block)
        } else {
            block[124] = 0x80
            var value = UInt64(size)
            for index in stride(from: 135, through: 125, by: -1) {
                block[index] = UInt8(value & 0xFF)
                value >>= 8
            }
        }
        putOctal(modificationTime, at: 136, width: 12, into: &block)
        block[156] =
            switch kind {
            case .file: UInt8(ascii: "0")
            case .directory: UInt8(ascii: "5")
            case .other(let flag): flag
            }
        put(Array("ustar".utf8) + [0], at: 257, width: 6, into: &block)
        put(Array("00".utf8), at: 263, width: 2, into: &block)
        put(Array(prefix.utf8), at: 345, width: 155, into: &block)
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int($1) }
        putOctal(Int64(sum), at: 148, width: 7, into: &block)
        block[155] = UInt8(ascii: " ")
        return block
    }

    /// The header in `block`, or nil for an all-zero block (the end of the archive).
    public static func decode(_ block: some Collection<UInt8>) throws(TarError) -> TarHeader? {
        let bytes = Array(block)
        guard bytes.count == blockSize else { throw .truncated }
        if bytes.allSatisfy({ $0 == 0 }) { return nil }
        guard bytes[257..<262].elementsEqual("ustar".utf8) else { throw .notTar }
        guard let stored = octal(bytes[148..<156]) else { throw .badHeaderChecksum }
        var blanked = bytes
        for index in 148..<156 { blanked[index] = UInt8(ascii: " ") }
        let unsigned = blanked.reduce(0) { $0 + Int64($1) }
        let signed = blanked.reduce(0) { $0 + Int64(Int8(bitPattern: $1)) }
        guard stored == unsigned || stored == signed else { throw .badHeaderChecksum }

        let last = string(bytes[0..<100])
        let prefix = string(bytes[345..<500])
        let name = prefix.isEmpty ? last : prefix + "/" + last
        let size: Int64
        if bytes[124] & 0x80 != 0 {
            var value: Int64 = 0
            for byte in bytes[125..<136] {
                guard value < Int64.max >> 8 else { throw .badHeader(name) }
                value = value << 8 | Int64(byte)
            }
            size = value
        } else {
            guard let parsed = octal(bytes[124..<136]) else { throw .badHeader(name) }
            size = parsed
        }
        let kind: Kind =
            switch bytes[156] {
            case 0, UInt8(ascii: "0"): .file
            case UInt8(ascii: "5"): .directory
            default: .other(bytes[156])
            }
        return TarHeader(
            name: name, size: size, mode: Int(octal(bytes[100..<108]) ?? 0), modificationTime: octal(bytes[136..<148]) ?? 0, kind: kind
        )
    }

    /// Bytes of zero padding after a body of `size` bytes.
    public static func padding(after size: Int64) -> Int {
        let remainder = Int(size % Int64(blockSize))
        return remainder == 0 ? 0 : blockSize - remainder
    }

    static func split(_ name: String) throws(TarError) -> (prefix: String, last: String) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { throw .nameTooLong(name) }
        if bytes.count <= 100 { return ("", name) }
        // The prefix is everything before some `/`: at most 155 bytes, leaving at most 100.
        for index in bytes.indices.reversed() where bytes[index] == UInt8(ascii: "/") {
            if index <= 155 && bytes.count - index - 1 <= 100 && bytes.count - index - 1 > 0 {
                return (String(decoding: bytes[..<index], as: UTF8.self), String(decoding: bytes[(index + 1)...], as: UTF8.self))
            }
        }
        throw .nameTooLong(name)
    }

    private func put(_ bytes: [UInt8], at offset: Int, width: Int, into block: inout [UInt8]) {
        for (index, byte) in bytes.prefix(width).enumerated() { block[offset + index] = byte }
    }

    /// Zero-padded octal digits filling `width - 1` bytes, then a NUL.
    private func putOctal(_ value: Int64, at offset: Int, width: Int, into block: inout [UInt8]) {
        let digits = String(value, radix: 8)
        let padded = String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        put(Array(padded.utf8), at: offset, width: width - 1, into: &block)
    }

    private static func octal(_ field: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        var seen = false
        for byte in field {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard value < Int64.max >> 3 else { return nil }
                value = value * 8 + Int64(byte - UInt8(ascii: "0"))
                seen = true
            case 0, UInt8(ascii: " "):
                if seen { return value }
            default:
                return nil
            }
        }
        return seen ? value : nil
    }

    private static func string(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }
}
