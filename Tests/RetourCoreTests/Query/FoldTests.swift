import Testing
@testable import RetourCore

@Suite("Fold: matching keys")
struct FoldTests {
    @Test(arguments: [
        ("Maïga", "maiga"), ("MAÏGA", "maiga"), ("maiga", "maiga"),
        ("  Ag   Mohamed ", "ag mohamed"), ("Gourma-Rharous", "gourma rharous"), ("Tin_Essako", "tin essako"),
        ("Ténenkou", "tenenkou"), ("Djenne\u{0301}", "djenne"), ("Abeïbara", "abeibara"), ("Çà", "ca"),
        ("N’Tillit", "n'tillit"), ("N`Tillit", "n'tillit"), ("St. Louis", "st louis"), ("A – B", "a b"),
        ("-Tessalit-", "tessalit"), ("", ""), ("   ", ""), ("Ag\tMohamed\n", "ag mohamed"),
    ])
    func key(text: String, expected: String) {
        #expect(Fold.key(text) == expected)
    }

    @Test func spellingsOfOneNameShareAKey() {
        #expect(Fold.key("Maïga") == Fold.key("MAIGA"))
        #expect(Fold.key("N’Tillit") == Fold.key("n'tillit"))
        #expect(Fold.key("Djenné") == Fold.key("Djenne\u{0301}"))
        #expect(Fold.key("Maïga") != Fold.key("Maïgat"))
    }

    @Test func compactIgnoresSpacesAndApostrophes() {
        #expect(Fold.compact("Ag Mohamed") == "agmohamed")
        #expect(Fold.compact("Agmohamed") == "agmohamed")
        #expect(Fold.compact("AG-MOHAMED") == "agmohamed")
        #expect(Fold.compact("N’Tillit") == "ntillit")
        #expect(Fold.compact(" Ould  Sidi ") == "ouldsidi")
        #expect(Fold.key("Ag Mohamed") != Fold.key("Agmohamed"))
    }
}
