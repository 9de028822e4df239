import Foundation
import NightshiftBuilder
import NightshiftCore
import Testing

/// `[builder]` values that pass the syntax but can never work, or would overflow later, are
/// refused at their place (issue 11, items 15 and 17).
@Suite("The [builder] table refuses what will never work")
struct BuilderInputTests {
    static let agent = BuilderSettingsTests.agent

    @Test(arguments: [
        (agent + "\n[builder.windows.lunch]\nstart = \"12:00\"\nend = \"12:00\"\n", "6:7"),
        // The default overnight window ends at 07:00: starting it then leaves nothing.
        (agent + "\n[builder.windows.overnight]\nstart = \"07:00\"\n", "5:9"),
        (agent + "\n[builder.windows.quick_win]\nend = \"19:00\"\n", "5:7"),
    ])
    func windowWhoseStartIsItsEnd(_ text: String, _ position: String) throws {
        let (settings, diagnostics) = readBuilder(text)
        #expect(settings == nil)
        let first = try #require(diagnostics.first)
        #expect("\(first.location)" == position, "\(diagnostics)")
        #expect(first.message.contains("start and end are both"), "\(first)")
    }

    @Test(arguments: ["inf", "nan", "1e300", "101"])
    func timeoutFactorIsBounded(_ factor: String) {
        let (settings, diagnostics) = readBuilder(Self.agent + "timeout_factor = \(factor)\n")
        #expect(settings == nil)
        #expect(diagnostics.map(\.description) == ["nightshift.toml:3:18: builder.timeout_factor must be a number above 0 and at most 100"])
    }

    @Test func overnightScheduleThatNeverFires() {
        let (settings, diagnostics) = readBuilder(Self.agent + "\n[builder.overnight]\nschedule = \"0 23 31 2 *\"\n")
        #expect(settings == nil)
        #expect(diagnostics.map(\.description).first?.hasPrefix("nightshift.toml:5:12: builder.overnight.schedule \"0 23 31 2 *\" never fires") == true, "\(diagnostics)")
    }
}
