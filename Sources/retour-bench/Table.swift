import Foundation

/// The figures of one size per line, columns aligned on the right under their headers.
struct Table {
    struct Row {
        let cases: Int
        let dataMB: Double
        let listReady: Double
        let keystrokeMedian: Double
        let keystrokeP99: Double
        let commitMedian: Double
        let peakMB: Double
        let pythonLoad: Double?
    }

    static let headers = ["N", "data MB", "list ready s", "keystroke median ms", "keystroke p99 ms",
                          "commit median ms", "peak MB", "python load s"]

    var header: String { line(Table.headers) }

    func line(_ row: Row) -> String {
        line([
            String(row.cases),
            String(format: "%.1f", row.dataMB),
            String(format: "%.3f", row.listReady),
            String(format: "%.2f", row.keystrokeMedian),
            String(format: "%.2f", row.keystrokeP99),
            String(format: "%.2f", row.commitMedian),
            String(format: "%.0f", row.peakMB),
            row.pythonLoad.map { String(format: "%.3f", $0) } ?? "-",
        ])
    }

    /// Wide enough for its header and for the figures of a million cases.
    static let widths = headers.map { max($0.count, 8) }

    private func line(_ cells: [String]) -> String {
        zip(cells, Table.widths).map { cell, width in
            String(repeating: " ", count: max(0, width - cell.count)) + cell
        }.joined(separator: "  ")
    }
}
