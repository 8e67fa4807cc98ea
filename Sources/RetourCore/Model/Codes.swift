/// Stable codes used in files, imports and on the command line. Labels come from Assets/.

public enum Sex: String, Codable, CaseIterable, Sendable {
    case female = "F"
    case male = "M"
}

public enum Category: String, Codable, CaseIterable, Sendable {
    case idpReturnee = "idp_returnee"
    case refugeeReturnee = "refugee_returnee"
    case hostCommunity = "host_community"
}

/// Where a case stands. Only an explicit action changes it, never an ordinary edit.
public enum CaseStatus: String, Codable, CaseIterable, Sendable {
    case registered
    case active
    case closureRequested = "closure_requested"
    case closed
}
