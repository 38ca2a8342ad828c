namespace WhenTransferHurts;

/// <summary>What one pair shows about transfer with little source data.</summary>
/// <param name="Setup">The pair's short name.</param>
/// <param name="PolicyChoices">The data-size policy's strategy, one per seed.</param>
/// <param name="AutoChoices">Auto's strategy, one per seed (none when Auto was not run).</param>
/// <param name="AdvisorSaysTransferMakesSense">Whether the advisor says transfer makes sense (null if it was not asked).</param>
/// <param name="AdvisorReport">The advisor's report.</param>
/// <param name="FromScratchAccuracy">FromScratch's mean test accuracy.</param>
/// <param name="BestTransfer">The fixed transfer strategy with the highest mean test accuracy.</param>
/// <param name="BestTransferGainPoints">Its gain over FromScratch, in percentage points (negative: it lost).</param>
public sealed record TransferVerdict(
    string Setup,
    IReadOnlyList<string> PolicyChoices,
    IReadOnlyList<string> AutoChoices,
    bool? AdvisorSaysTransferMakesSense,
    string AdvisorReport,
    double FromScratchAccuracy,
    string BestTransfer,
    double BestTransferGainPoints);
