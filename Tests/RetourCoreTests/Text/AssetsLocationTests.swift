import Foundation
import Testing
@testable import RetourCore

@Suite("Where the Assets are found")
struct AssetsLocationTests {
    /// A binary copied out of its build folder still finds the checkout it was compiled from:
    /// the last place looked at is that checkout's `Assets/`.
    @Test func theLastPlaceLookedAtIsTheCheckoutsAssets() throws {
        let checkout = try #require(Assets.candidates().last)
        #expect(Assets.isAssets(checkout), "\(checkout.path)")
        #expect(checkout.lastPathComponent == "Assets")
    }
}
