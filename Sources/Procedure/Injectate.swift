import Foundation

/// A drug as drawn up: its concentration and, for local anaesthetics, its maximum single dose.
public struct Drug: Hashable, Sendable, Codable {
    public var name: String
    /// mg of active substance (mg of iodine for contrast) per mL.
    public var mgPerMl: Double
    /// Maximum single dose, mg (nil when the data sheet gives none for this use).
    public var maximumMg: Double?
    public var isContrast: Bool

    /// Triamcinolone acetonide 40 mg/mL (data sheet §9: 20 mg per facet, Kennedy 2018).
    public static let triamcinolone40 = Drug(name: "triamcinolone 40 mg/mL", mgPerMl: 40, maximumMg: nil, isContrast: false)
    /// Bupivacaine 0.25 % and 0.5 % (2.5 and 5 mg/mL); maximum 175 mg plain (data sheet §9, FDA label).
    public static let bupivacaine025 = Drug(name: "bupivacaine 0.25 %", mgPerMl: 2.5, maximumMg: 175, isContrast: false)
    public static let bupivacaine05 = Drug(name: "bupivacaine 0.5 %", mgPerMl: 5, maximumMg: 175, isContrast: false)
    /// Iohexol (Omnipaque 240): 240 mg I/mL; 0.2–0.5 mL confirms a facet needle (data sheet §9, Carette 1991).
    public static let iohexol240 = Drug(name: "iohexol 240 mg I/mL", mgPerMl: 240, maximumMg: nil, isContrast: true)
    /// Iohexol (Omnipaque 300).
    public static let iohexol300 = Drug(name: "iohexol 300 mg I/mL", mgPerMl: 300, maximumMg: nil, isContrast: true)

    public static let all: [String: Drug] = [
        "triamcinolone-40": .triamcinolone40, "bupivacaine-0.25": .bupivacaine025, "bupivacaine-0.5": .bupivacaine05,
        "iohexol-240": .iohexol240, "iohexol-300": .iohexol300,
    ]

    public static func named(_ key: String) throws -> Drug {
        guard let d = all[key] else { throw ProcedureError.invalid("unknown drug '\(key)': allowed \(all.keys.sorted().joined(separator: ", "))") }
        return d
    }
}

/// What is injected on one side: drugs with their volumes.
public struct Injectate: Hashable, Sendable, Codable {
    public struct Dose: Hashable, Sendable, Codable {
        public var drug: Drug
        public var volumeMl: Double
        public var mg: Double { drug.mgPerMl * volumeMl }
    }

    public var side: String
    public var doses: [Dose]

    /// Largest volume of one drug per side that is not absurd for a pars or facet injection, mL (a joint
    /// holds ≤ 1–2 mL; data sheet §9).
    public static let maximumVolumeMl = 10.0

    public init(side: String, doses: [(Drug, Double)]) throws {
        for (drug, volume) in doses {
            guard volume.isFinite, volume > 0, volume <= Self.maximumVolumeMl else {
                throw ProcedureError.invalid(String(format: "volume of %@: %g mL is outside 0 < volume ≤ %g mL", drug.name, volume, Self.maximumVolumeMl))
            }
        }
        self.side = side
        self.doses = doses.map { Dose(drug: $0.0, volumeMl: $0.1) }
    }

    /// The flagship record per side: a small iohexol test dose, then 20 mg triamcinolone (0.5 mL of
    /// 40 mg/mL) mixed with 0.5 mL bupivacaine 0.5 %.
    public static func flagship(side: String, contrastMl: Double = 0.3) throws -> Injectate {
        try Injectate(side: side, doses: [(.iohexol240, contrastMl), (.triamcinolone40, 0.5), (.bupivacaine05, 0.5)])
    }

    public var totalVolumeMl: Double { doses.reduce(0) { $0 + $1.volumeMl } }

    /// The session's totals per drug name (mg), checked against each drug's maximum: past a maximum is
    /// refused; past 80 % of it gives a warning.
    public static func checkTotals(_ sides: [Injectate]) throws -> (totalsMg: [String: Double], warnings: [String]) {
        var totals: [String: Double] = [:], maxima: [String: Double] = [:]
        // Bupivacaine's maximum is in mg of the drug, whatever the concentration.
        func substance(_ d: Drug) -> String { d.name.split(separator: " ").first.map(String.init) ?? d.name }
        for side in sides { for dose in side.doses {
            totals[substance(dose.drug), default: 0] += dose.mg
            if let m = dose.drug.maximumMg { maxima[substance(dose.drug)] = m }
        } }
        var warnings: [String] = []
        for (name, total) in totals.sorted(by: { $0.key < $1.key }) {
            guard let maximum = maxima[name] else { continue }
            if total > maximum {
                throw ProcedureError.invalid(String(format: "%@ totals %.1f mg, past its maximum single dose of %.0f mg (data sheet §9): refused", name, total, maximum))
            }
            if total > 0.8 * maximum { warnings.append(String(format: "%@ totals %.1f mg, over 80 %% of its %.0f mg maximum", name, total, maximum)) }
        }
        return (totals, warnings)
    }
}
