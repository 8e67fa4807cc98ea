/// The tabs of the case screen, in the order of their number keys (1 to 6).
enum CaseTab: Int, CaseIterable, Hashable {
    case profile, plan, rights, referrals, notes, timeline, household

    var number: Int { rawValue + 1 }
    var labelKey: String { "tabs.tab.\(self)" }
    var helpKey: String { "tabs.help.\(self)" }

    /// The tab after (or before) this one, going round.
    func moved(by offset: Int) -> CaseTab {
        let count = CaseTab.allCases.count
        return CaseTab(rawValue: ((rawValue + offset) % count + count) % count)!
    }
}
