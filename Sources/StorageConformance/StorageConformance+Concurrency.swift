import NIOCore
import StorageDriver

extension StorageConformance {
    static let concurrencyCases: [Case] = [
        Case(name: "concurrent moves onto one path leave one whole file") { driver in
            let content = patternBytes(256 * 1024, seed: 6)
            for index in 0..<8 {
                try await driver.putContent("/race/upload-\(index)", content)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask { try await driver.move("/race/upload-\(index)", to: "/race/blob") }
                }
                try await group.waitForAll()
            }
            try require(try await readAll(driver, "/race/blob") == content, "raced destination is damaged")
        },
        Case(name: "concurrent putContent leaves one whole version") { driver in
            let versions = (0..<8).map { patternBytes(64 * 1024, seed: UInt64(10 + $0)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for version in versions {
                    group.addTask { try await driver.putContent("/race/link", version) }
                }
                try await group.waitForAll()
            }
            let final = try await driver.getContent("/race/link")
            try require(versions.contains(final), "final content is none of the written versions")
        },
    ]
}
