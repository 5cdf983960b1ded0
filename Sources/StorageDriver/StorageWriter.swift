import NIOCore

/// Appends bytes to one file of a driver. One task uses a writer at a time.
public protocol StorageWriter: AnyObject {
    /// Bytes in the file: those there before an append plus those written since.
    var size: Int64 { get }

    func write(_ buffer: ByteBuffer) async throws

    /// Makes the bytes durable and closes the writer.
    func commit() async throws

    /// Closes the writer and removes the file.
    func cancel() async throws

    /// Closes the writer, keeping what was written (for a later append).
    func close() async throws
}
