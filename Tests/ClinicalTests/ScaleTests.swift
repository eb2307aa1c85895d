import Foundation
import Testing
@testable import Clinical

@Suite struct ScaleTests {
    @Test func odiScoresHandCheckedExamples() throws {
        // All answered: 3+2+1+2+1+2+2+0+2+2 = 17 → 34 %.
        let a = try OswestryIndex.parse("3,2,1,2,1,2,2,0,2,2")
        #expect(a.sum == 17 && a.maximum == 50 && a.percent == 34 && a.band == .moderate)
        // Section 8 skipped: 17 of 45 → 37.78 %.
        let b = try OswestryIndex.parse("3,2,1,2,1,2,2,-,2,2")
        #expect(b.answered == 9 && b.maximum == 45 && abs(b.percent - 100.0 * 17 / 45) < 1e-12)
        // Two skipped (the minimum of 8 answered): 16 of 40 = 40 %.
        let c = try OswestryIndex.parse("2, 2, 2, 2, -, 2, 2, -, 2, 2")
        #expect(c.percent == 40 && c.band == .moderate)
        // All zeros and all fives.
        #expect(try OswestryIndex.parse("0,0,0,0,0,0,0,0,0,0").percent == 0)
        #expect(try OswestryIndex.parse("5,5,5,5,5,5,5,5,5,5").band == .bedBound)
    }

    @Test func odiRefusesTooFewAnswersAndBadValues() {
        #expect(throws: ClinicalError("only 7 of 10 ODI sections answered: at least 8 are needed for a valid index")) {
            _ = try OswestryIndex.parse("1,1,1,1,1,1,1,-,-,-")
        }
        #expect(throws: ClinicalError("ODI section 3 (Lifting): answer 6 is outside 0–5")) { _ = try OswestryIndex.parse("1,1,6,1,1,1,1,1,1,1") }
        #expect(throws: ClinicalError("the ODI has 10 sections; got 11 answers")) { _ = try OswestryIndex.parse("1,1,1,1,1,1,1,1,1,1,1") }
        #expect(throws: ClinicalError.self) { _ = try OswestryIndex.parse("1,1,x,1,1,1,1,1,1,1") }
        #expect(throws: ClinicalError.self) { _ = try OswestryIndex.total(51) }
    }

    @Test func odiBandsAtTheirEdges() {
        for (p, band) in [(0.0, OswestryIndex.Band.minimal), (20, .minimal), (20.9, .minimal), (21, .moderate), (40, .moderate), (41, .severe),
                          (60, .severe), (61, .crippled), (80, .crippled), (81, .bedBound), (100, .bedBound)] {
            #expect(OswestryIndex.Band(percent: p) == band, "\(p) %")
        }
    }

    @Test func theCaseImprovesImportantly() throws {
        let before = try OswestryIndex.total(17), after = try OswestryIndex.total(10)
        #expect(before.percent == 34 && before.band == .moderate)
        #expect(after.percent == 20 && after.band == .minimal)
        let change = OswestryChange(baseline: before, followUp: after)
        #expect(change.points == -14)
        #expect(abs(change.relativePercent - (-100.0 * 14 / 34)) < 1e-12 && Int(change.relativePercent.rounded()) == -41)
        #expect(change.importantImprovement)
        // Configurable: with a 15-point and 45 % threshold the same change is not important.
        #expect(!OswestryChange(baseline: before, followUp: after, thresholdPoints: 15, thresholdRelativePercent: 45).importantImprovement)
        // 30 % of baseline alone suffices: 20 → 14 % is −6 points but −30 %.
        #expect(OswestryChange(baselinePercent: 20, followUpPercent: 14).importantImprovement)
        #expect(!OswestryChange(baselinePercent: 20, followUpPercent: 15).importantImprovement)
    }

    @Test func bodyMassIndexOfTheCaseAndWHOBands() throws {
        let bmi = try BodyMassIndex(heightCm: 177, weightKg: 74)
        #expect(abs(bmi.value - 23.62) < 0.01 && bmi.band == .normal)
        #expect(BodyMassIndex.Band(bmi: 18.49) == .underweight && BodyMassIndex.Band(bmi: 18.5) == .normal)
        #expect(BodyMassIndex.Band(bmi: 24.99) == .normal && BodyMassIndex.Band(bmi: 25) == .overweight)
        #expect(BodyMassIndex.Band(bmi: 30) == .obeseI && BodyMassIndex.Band(bmi: 35) == .obeseII && BodyMassIndex.Band(bmi: 40) == .obeseIII)
        #expect(throws: ClinicalError("weight 0.0 kg is outside 2–400 kg")) { _ = try BodyMassIndex(heightCm: 177, weightKg: 0) }
    }

    @Test func muscleGradesParseWithModifiers() throws {
        let g = try MuscleGrade.parse("4+/5")
        #expect(g.grade == 4 && g.modifier == .plus && g.description == "4+/5")
        #expect(try MuscleGrade.parse("4−").modifier == .minus)
        #expect(try MuscleGrade.parse("5/5") == MuscleGrade(grade: 5))
        #expect(try MuscleGrade.parse("3").numeric == 3)
        #expect(try MuscleGrade.parse("4-").numeric < MuscleGrade.parse("4").numeric)
        for bad in ["6", "5+", "0-", "four", "4++"] { #expect(throws: ClinicalError.self) { _ = try MuscleGrade.parse(bad) } }
    }

    @Test func painPerceivedChangeAndFindings() throws {
        #expect(throws: ClinicalError.self) { _ = try PainScore(11) }
        let g = try GlobalPerceivedChange.parse("80–90 %")
        #expect(g.lowPercent == 80 && g.highPercent == 90 && g.midpointPercent == 85 && g.description == "80–90 %")
        #expect(try GlobalPerceivedChange.parse("-20").lowPercent == -20)
        #expect(throws: ClinicalError.self) { _ = try GlobalPerceivedChange.parse("90-80") }
        #expect(try Finding.parse("extension-rotation:+") == Finding(name: "extension-rotation", positive: true))
        #expect(try Finding.parse("slump:negative").positive == false)
        #expect(throws: ClinicalError.self) { _ = try Finding.parse("slump") }
    }

    @Test func studentTMatchesTables() {
        // Two-sided 95 % critical values (any statistics table).
        for (df, t) in [(1.0, 12.706), (2, 4.303), (5, 2.571), (10, 2.228), (30, 2.042), (1000, 1.962)] {
            #expect(abs(Statistics.studentTQuantile(0.975, df: df) - t) < 0.001, "df \(df)")
        }
        #expect(abs(Statistics.quantile([1, 2, 3, 4], 0.25) - 1.75) < 1e-12)  // type 7
        #expect(abs(Statistics.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]) - 2.138089935) < 1e-9)
    }
}
