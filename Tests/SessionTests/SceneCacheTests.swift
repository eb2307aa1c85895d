import Foundation
import Testing
@testable import Procedure
@testable import Session

/// Each key's value is made once per scene; a refusal is remembered as one.
@Suite struct SceneCacheTests {
    struct Refused: Error {}

    @Test func aPlanIsMadeOncePerTargetAndARefusalIsKept() throws {
        let cache = SceneCache<NeedlePlan>()
        var made = 0
        for _ in 0..<3 {
            #expect(throws: Refused.self) { try cache.value(for: "L5-left") { made += 1; throw Refused() } }
        }
        #expect(made == 1)
        #expect(throws: Refused.self) { try cache.value(for: "L5-right") { made += 1; throw Refused() } }
        #expect(made == 2)
    }
}
