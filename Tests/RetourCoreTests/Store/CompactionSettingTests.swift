import Foundation
import Testing
@testable import RetourCore

/// The journal size past which a commit folds it into a new snapshot is a programme setting
/// (`Assets/settings.json`, `compactionThresholdMB`), read through `Reference.settings`.
@Suite("Store: the compaction threshold is a setting")
struct CompactionSettingTests {
    @Test func theSettingsFileSays64MB() throws {
        let settings = CSVFixtures.reference.settings
        #expect(settings.compactionThresholdMB == 64)
        #expect(settings.compactionThresholdBytes == 64 << 20)
        #expect(Settings().compactionThresholdBytes == 64 << 20)
    }

    @Test func aSettingsFileWithoutItGetsTheDefaultAndAWrongValueIsRefused() throws {
        let older = try LineDecoder().decode(Settings.self, from: Data(#"{"noContactDays": 30, "smallCountThreshold": 3}"#.utf8))
        #expect(older == Settings(noContactDays: 30, smallCountThreshold: 3, compactionThresholdMB: 64))
        for wrong in [0, -1, 4097] {
            let settings = try LineDecoder().decode(Settings.self, from: Data(#"{"compactionThresholdMB": \#(wrong)}"#.utf8))
            #expect(throws: AssetError.self) { try settings.validated() }
        }
        let one = try LineDecoder().decode(Settings.self, from: Data(#"{"compactionThresholdMB": 1}"#.utf8))
        #expect(try one.validated().compactionThresholdBytes == 1 << 20)
    }

    /// A store opened through the session takes the setting, and a commit that takes the
    /// journal past it folds the journal into a new snapshot while the session stays open.
    @Test func aSessionsStoreCompactsPastTheSetting() throws {
        let base = CSVFixtures.reference
        let reference = Reference(regions: base.regions, vulnerabilities: base.vulnerabilities,
                                  idDocumentTypes: base.idDocumentTypes, tracks: base.tracks,
                                  settings: Settings(compactionThresholdMB: 1))
        try withTemporaryDirectory { root in
            let session = Session(dataDirectory: root.appendingPathComponent("data"), author: "awa",
                                  catalog: Catalog(language: .en, texts: [:]), reference: reference)
            let store = try session.openStore(write: true, environment: [:])
            #expect(store.compactionThreshold == 1 << 20)
            let other = try Store(directory: session.dataDirectory, user: "moussa")
            try register(store)
            #expect(store.journalLines == 1)
            // One registration stays far under 1 MB; 1 500 with long given names go past it.
            try store.commitBatch(as: .anyone("awa")) { batch in
                for index in 0..<1500 {
                    try batch.add(.register(id: UUID(), number: CaseBook.numberToAllocate(prefix: "GAO"),
                                            profile: sampleProfile("Setting\(index)", String(repeating: "Long ", count: 100))))
                }
            }
            #expect(store.journalLines == 0, "a journal of 1 500 long registrations was not folded")
            #expect(try other.refresh())
            #expect(other.book.count == 1501)
            try other.close()
            try store.close()
        }
    }
}
