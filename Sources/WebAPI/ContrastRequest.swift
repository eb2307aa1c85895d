/// `POST /api/sessions/:id/contrast`: inject this volume of iohexol at the needle tip, mL.
public struct ContrastRequest: StrictJSONBody, Codable, Sendable {
    public enum CodingKeys: String, CodingKey, CaseIterable { case volumeMl }
    public var volumeMl: Double
}
