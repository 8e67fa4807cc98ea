import Foundation
import RetourCore
import RetourDemo

/// An import file (a spreadsheet, a KoboToolbox export), planned against the sample's book as
/// `retour import` plans it, then its rejected rows written as `import` writes them.
enum CSVTarget {
    static func run(_ input: [UInt8]) {
        for options in [CSVImport.Options(), CSVImport.Options(skipInvalid: true)] {
            guard let plan = try? CSVImport.plan(data: Data(input), reference: Sample.reference, book: Sample.plain.book,
                                                 today: Sample.today, options: options) else { continue }
            _ = try? CSVImport.rejectedCSV(plan, catalog: Sample.catalog)
        }
    }

    static func seeds() throws -> [[UInt8]] {
        let people = try DemoPeople(assets: Sample.assets)
        let generated = try people.csv(count: 6, seed: 7, reference: Sample.reference, today: Sample.today)
        let french = """
            sep=;
            nom;prénoms;sexe;date_naissance;catégorie;région;cercle;village
            Maïga;Fatoumata;F;1980-03-14;pdi_retourné;Gao;Ansongo;Bara
            "Touré";"Ami""nata";F;;réfugié_rapatrié;Tombouctou;;
            Cissé;Hamadoun;M;14/03/1975;idp_returnee;ML07;;

            """
        let kobo = """
            identification/nom,identification/prenoms,identification/sexe,identification/categorie,localisation/region
            Dicko,Aïssata,F,idp_returnee,Mopti
            "Kounta,"Moussa,M,refugee_returnee,Gao

            """
        return [Array(generated), Array(french.utf8), Array(kobo.utf8)]
    }
}
