import Foundation
import RetourCore
import RetourTUI

/// `SignInNotices` in words, one paragraph each, wrapped to `width`: people named by their
/// display name and login, every stored text shown safely (`TerminalText`).
enum SignInNoticeText {
    static func lines(_ notices: SignInNotices, catalog: Catalog, users: Users, width: Int) -> [String] {
        func name(_ login: String) -> String {
            TerminalText.visible(users[login]?.name ?? login)
        }
        var paragraphs: [String] = []
        for given in notices.assigned {
            paragraphs.append(catalog.counted("notices.assigned", given.count,
                                              ["name": name(given.by), "login": TerminalText.visible(given.by)]))
        }
        if !notices.approved.isEmpty {
            paragraphs.append(catalog.counted("notices.approved", notices.approved.count,
                                              ["numbers": TerminalText.visible(notices.approved.joined(separator: ", "))]))
        }
        for back in notices.returned {
            paragraphs.append(catalog.text("notices.returned", [
                "name": name(back.by), "login": TerminalText.visible(back.by), "number": TerminalText.visible(back.number),
                "comment": TerminalText.visible(back.comment, layout: .flattened),
            ]))
        }
        return paragraphs.enumerated().flatMap { index, paragraph in
            (index == 0 ? [] : [""]) + Dialog.wrap(paragraph, width: width)
        }
    }
}
