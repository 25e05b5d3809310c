package io.enclave.operators.record;

/**
 * One OpenFEMA Disaster Declarations Summaries (v2) row: one declared area of one declaration.
 * Field names follow the OpenFEMA API; dates are kept as the ISO-8601 text the API sends.
 */
public class DisasterDeclaration {
    /** OpenFEMA's record id (uuid): the natural key. */
    public String id;

    public String femaDeclarationString;
    public Integer disasterNumber;
    public String state;
    public String declarationType;
    public String declarationDate;
    public Integer fyDeclared;
    public String incidentType;
    public String declarationTitle;
    public Boolean ihProgramDeclared;
    public Boolean iaProgramDeclared;
    public Boolean paProgramDeclared;
    public Boolean hmProgramDeclared;
    public String incidentBeginDate;
    public String incidentEndDate;
    public String disasterCloseoutDate;
    public Boolean tribalRequest;
    public String fipsStateCode;
    public String fipsCountyCode;
    public String placeCode;
    public String designatedArea;
    public String declarationRequestNumber;
    public String declarationRequestDate;
    public String lastIAFilingDate;
    public String incidentId;
    public Integer region;
    public String designatedIncidentTypes;
    public String lastRefresh;
    public String hash;

    public DisasterDeclaration() {}
}
