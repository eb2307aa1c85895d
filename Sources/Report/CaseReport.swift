import Foundation
import Mustache

/// The CARE-style case report (Gagnier 2013; data sheet §8) as one self-contained HTML page: the 13
/// CARE items in order, figures referenced relatively (the folder can be zipped and opened anywhere), a
/// print stylesheet. Everything it states comes from the `CaseRecord`, through `CaseReportView` and the
/// template in `CaseReport+Template.swift`.
public enum CaseReport {
    /// The CARE items, in order: the report's section headings.
    public static let careSections = ["Title", "Keywords", "Abstract", "Introduction", "Patient information", "Clinical findings", "Timeline",
                                      "Diagnostic assessment", "Therapeutic intervention", "Follow-up and outcomes", "Discussion",
                                      "Patient perspective", "Informed consent"]

    /// The template, parsed once. It is part of the program, so a parse error is a programming error.
    private static let template: MustacheTemplate = {
        do { return try MustacheTemplate(string: templateText) } catch { fatalError("case-report template: \(error)") }
    }()

    public static func html(_ record: CaseRecord) -> String {
        template.render(CaseReportView(record))
    }
}
