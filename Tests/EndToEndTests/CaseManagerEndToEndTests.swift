import Foundation
import Testing

/// The real binary in tmux at 80x24, as a case worker uses it.
@Suite(.serialized)
struct CaseManagerEndToEndTests {
    /// Twenty people as a French spreadsheet saves them: BOM, `;`, CRLF, DD/MM/YYYY, French labels.
    /// Maïga Aïssata is young enough (15–35) for the youth track a test enrols her in.
    static func frenchSpreadsheet() -> [UInt8] {
        let rows = [
            "nom;prénoms;sexe;date_naissance;téléphone;catégorie;région;cercle;commune;village;taille_ménage;date_retour;vulnérabilités;agent",
            "Maïga;Aïssata;F;12/03/1995;76 12 34 56;Réfugié rapatrié;Gao;Ansongo;Ansongo;Quartier 4;5;01/02/2016;female_head_of_household;awa",
            "Touré;Hamadoun;M;05/06/1982;;PDI retourné;Tombouctou;Diré;Diré;Kirchamba;7;15/09/2015;;awa",
            "Cissé;Fatoumata;F;;;PDI retourné;Mopti;Douentza;Douentza;Boni;3;;single_parent;oumar",
            "Haïdara;Zeïnabou;F;22/11/1975;65 00 11 22;Réfugié rapatrié;Timbuktu;Goundam;Goundam;Tonka;6;10/01/2016;older_person|lost_documents;awa",
            "Dicko;Boubacar;M;01/01/1995;;Communauté hôte;Mopti;Mopti;Mopti;Sévaré;2;;;oumar",
            "Diallo;Mariam;F;14/02/2000;;PDI retourné;Mopti;Bandiagara;Bandiagara;Dourou;4;;pregnant_or_lactating;oumar",
            "Traoré;Ibrahim;M;30/07/1988;;Réfugié rapatrié;Gao;Bourem;Bourem;Bamba;8;20/03/2016;;awa",
            "Kounta;Aminata;F;09/09/1992;;PDI retourné;Gao;Gao;Gao;Château;3;;;awa",
            "Sidibé;Oumar;M;17/04/1979;;Communauté hôte;Tombouctou;Niafunké;Niafunké;Soumpi;9;;chronic_illness;moussa",
            "Ag Mohamed;Moussa;M;03/03/1985;;Réfugié rapatrié;Gao;Ménaka;Ménaka;Inékar;5;05/05/2016;;moussa",
            "Walet Ahmed;Fadimata;F;12/12/1987;;Réfugié rapatrié;Tombouctou;Gourma-Rharous;Rharous;Banikane;4;;female_head_of_household;moussa",
            "Coulibaly;Seydou;M;;;PDI retourné;Mopti;Koro;Koro;Dinangourou;6;;;oumar",
            "Sangaré;Kadidia;F;25/05/1998;;PDI retourné;Mopti;Djenné;Djenné;Sirimou;2;;;oumar",
            "Maïga;Hamidou;M;08/08/1970;;PDI retourné;Gao;Gao;Gao;Sosso Koïra;10;;older_person;awa",
            "Touré;Safiatou;F;19/10/1993;;Réfugié rapatrié;Tombouctou;Tombouctou;Tombouctou;Abaradjou;3;02/02/2016;;awa",
            "Dembélé;Adama;M;11/01/1991;;Communauté hôte;Mopti;Bankass;Bankass;Diallassagou;5;;;oumar",
            "Guindo;Awa;F;07/07/1996;;PDI retourné;Mopti;Bandiagara;Bandiagara;Songho;4;;;oumar",
            "Kané;Oumou;F;28/02/1984;;Réfugié rapatrié;Gao;Ansongo;Ouattagouna;Fafa;6;12/04/2016;disability;awa",
            "\"Ag Alhassane\";\"Ibrahim\";M;15/06/1980;;Réfugié rapatrié;Kidal;Tessalit;Tessalit;\"Aguelhok; centre\";7;;;moussa",
            "Cissé;Alassane;M;04/04/1999;;Communauté hôte;Tombouctou;Diré;Diré;Haïbongo;1;;;awa",
        ]
        return [0xEF, 0xBB, 0xBF] + Array(rows.joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
    }

    @Test(.enabled(if: TmuxSession.available))
    func importSearchOpenRegisterQuitThenListAndCheck() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("personnes.csv", Self.frenchSpreadsheet())
        let imported = try harness.run(["import", csv.path, "--user", "awa"])
        #expect(imported.status == 0, "import failed: \(imported.stderr)")

        let tmux = try TmuxSession(harness: harness, arguments: ["--user", "awa"], language: "fr_FR.UTF-8")
        defer { tmux.kill() }
        try tmux.goOnWithoutUsers()
        tmux.waitFor("Dossiers (20)")
        try tmux.keys("/")
        try tmux.type("maiga")
        tmux.waitFor("Dossiers (2 sur 20)")
        try tmux.type(" ais")
        tmux.waitFor("Dossiers (1 sur 20)")
        #expect(tmux.screen.contains("Maïga Aïssata"))
        // One case matches: Enter on the search opens it.
        try tmux.keys("Enter")
        tmux.waitFor("Déplacement et localisation")
        #expect(tmux.screen.contains("Aïssata"))
        #expect(tmux.screen.contains("Ansongo"))
        try tmux.keys("Escape")
        tmux.waitFor("Dossiers (1 sur 20)")

        try tmux.keys("n")
        tmux.waitFor("Nouvel enregistrement")
        try tmux.type("Diarra")
        try tmux.keys("Tab")
        try tmux.type("Fanta")
        try tmux.keys("Tab", "Enter")
        tmux.waitFor("Homme")
        try tmux.keys("Enter", "Tab")  // Femme
        try tmux.type("01/05/1985")
        try tmux.keys("Tab", "Tab", "Tab", "Enter")
        tmux.waitFor("Communauté hôte")
        try tmux.keys("Enter")  // PDI retourné(e)
        for _ in 0..<4 { try tmux.keys("Tab") }
        try tmux.keys("Enter")
        tmux.waitFor("Kidal")
        try tmux.keys("Down", "Enter")  // Gao
        tmux.waitFor("Gao")
        try tmux.keys("F2")
        tmux.waitFor("GAO-000007 enregistré")
        #expect(tmux.screen.contains("Diarra"))
        try tmux.keys("Escape")
        tmux.waitFor("Recherche")
        try tmux.keys("q")
        #expect(tmux.waitForExit() == 0)

        let list = try harness.run(["list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("Maïga") && list.stdout.contains("Aïssata"))
        #expect(list.stdout.contains("Diarra") && list.stdout.contains("Fanta"))
        #expect(list.stdout.split(separator: "\n").count == 22)  // Header and 21 cases.
        let check = try harness.run(["check"])
        #expect(check.status == 0, "check: \(check.stdout) \(check.stderr)")
    }

    @Test(.enabled(if: TmuxSession.available))
    func killNineLosesNothingCommittedAndLeavesNoLock() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let first = try TmuxSession(harness: harness, arguments: ["--user", "oumar"], language: "C.UTF-8")
        defer { first.kill() }
        try first.goOnWithoutUsers()
        first.waitFor("Cases (0)")
        try first.keys("n")
        first.waitFor("New registration")
        try first.type("Guindo")
        try first.keys("Tab")
        try first.type("Awa")
        try first.keys("Tab", "Enter", "Enter")  // Female
        for _ in 0..<4 { try first.keys("Tab") }
        try first.keys("Enter", "Enter")  // Returned IDP
        for _ in 0..<4 { try first.keys("Tab") }
        try first.keys("Enter", "Down", "Down", "Enter")  // Mopti
        try first.keys("F2")
        first.waitFor("MPT-000001 registered")
        // Typed but never saved: must not survive.
        try first.keys("Escape", "n")
        first.waitFor("New registration")
        try first.type("Unsaved")
        let pid = try #require(first.pid)
        #expect(kill(pid, SIGKILL) == 0)
        #expect(first.waitForExit() == 128 + Int(SIGKILL))

        let second = try TmuxSession(harness: harness, arguments: ["--user", "oumar"], language: "C.UTF-8")
        defer { second.kill() }
        try second.goOnWithoutUsers()
        second.waitFor("Cases (1)")
        // The title may be drawn before the rows (a loaded machine).
        second.waitFor("Guindo Awa")
        #expect(!second.screen.contains("READ-ONLY"))
        #expect(!second.screen.contains("Unsaved"))
        try second.keys("q")
        #expect(second.waitForExit() == 0)
        let check = try harness.run(["check"])
        #expect(check.status == 0, "check: \(check.stdout) \(check.stderr)")
    }

    @Test(.enabled(if: TmuxSession.available))
    func enrolMarkTrainingDoneAssessQuitThenShow() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Self.frenchSpreadsheet())
        #expect(try harness.run(["import", csv.path]).status == 0)

        let tmux = try TmuxSession(harness: harness, arguments: ["--user", "awa"], language: "C.UTF-8")
        defer { tmux.kill() }
        try tmux.goOnWithoutUsers()
        tmux.waitFor("Cases (20)")
        try tmux.keys("/")
        try tmux.type("aissata")
        tmux.waitFor("Cases (1 of 20)")
        try tmux.keys("Enter")
        tmux.waitFor("[1 Profile]")
        // Plan tab: enrol in the youth track (the first of the list).
        try tmux.keys("2", "n")
        tmux.waitFor("Enrolment in a track")
        try tmux.keys("Enter")
        tmux.waitFor("Youth entrepreneurship")
        try tmux.keys("Enter", "F2")
        tmux.waitFor("0/7 done")
        // The training step: done.
        try tmux.keys("Down", "Enter")
        tmux.waitFor("Update a step")
        try tmux.keys("Enter", "Down", "Down", "Enter", "F2")
        tmux.waitFor("1/7 done")
        // Rights tab: full access to safety, partial standard of living, no access to livelihoods.
        try tmux.keys("3", "n")
        tmux.waitFor("Rights assessment")
        try tmux.keys("Tab", "Tab", "Enter", "Down", "Enter")
        try tmux.keys("Tab", "Tab", "Enter", "Down", "Down", "Enter")
        try tmux.keys("Tab", "Tab", "Enter", "Down", "Down", "Down", "Enter", "F2")
        tmux.waitFor("2 gaps")
        try tmux.keys("Escape", "q")
        #expect(tmux.waitForExit() == 0)

        let show = try harness.run(["show", "GAO-000001", "--lang", "en"])
        #expect(show.status == 0, "show: \(show.stderr)")
        #expect(show.stdout.contains("Plan: Youth entrepreneurship — 1/7 steps done"))
        #expect(show.stdout.contains("Training                 Done on"))
        #expect(show.stdout.contains("Rights access — 2 gaps"))
        #expect(show.stdout.contains("No access — assessed"))
        #expect(try harness.run(["check"]).status == 0)
    }
}
