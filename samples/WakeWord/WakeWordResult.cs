namespace WakeWord;

/// <summary>The whole WakeWord run.</summary>
/// <param name="Data">Which data it used.</param>
/// <param name="DetectedClass">The class detected, by name.</param>
/// <param name="SourceCount">Examples of the other nine classes the body was pretrained on.</param>
/// <param name="SourceTestAccuracy">The pretrained network's accuracy on the nine classes' test images.</param>
/// <param name="TrainPositives">Positive training examples.</param>
/// <param name="TrainNegatives">Negative training examples.</param>
/// <param name="ValidationPositives">Positive validation examples (the threshold is chosen on them and the negatives).</param>
/// <param name="ValidationNegatives">Negative validation examples.</param>
/// <param name="TestPositives">Positive test images.</param>
/// <param name="TestNegatives">Negative test images.</param>
/// <param name="PolicyChoice">What the library's data-size policy would train.</param>
/// <param name="PolicyReasons">Its reasons.</param>
/// <param name="Detectors">One per strategy.</param>
/// <param name="Chosen">The detector with the best validation F1 over strategies and seeds, the one <c>--save</c> writes.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record WakeWordResult(
    string Data,
    string DetectedClass,
    int SourceCount,
    double SourceTestAccuracy,
    int TrainPositives,
    int TrainNegatives,
    int ValidationPositives,
    int ValidationNegatives,
    int TestPositives,
    int TestNegatives,
    string PolicyChoice,
    IReadOnlyList<string> PolicyReasons,
    IReadOnlyList<DetectorResult> Detectors,
    ChosenDetector Chosen,
    TimeSpan Elapsed);
