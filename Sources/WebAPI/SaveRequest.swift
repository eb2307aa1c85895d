/// `POST /api/sessions/:id/save`: record the session as a procedure of this patient on this date (YYYY-MM-DD).
public struct SaveRequest: StrictJSONBody, Codable, Sendable {
    public enum CodingKeys: String, CodingKey, CaseIterable { case patientId, date }
    public var patientId: String
    public var date: String
}
