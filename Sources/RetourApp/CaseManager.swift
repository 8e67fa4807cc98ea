import RetourCore

public enum CaseManager {
    public static func run(session: Session) throws {}
}
