namespace TransferLearning.Training;

/// <summary>How the classes of a classification training set weigh in the loss (<see cref="TrainingOptions.ClassWeighting"/>).</summary>
public enum ClassWeighting
{
    /// <summary>Every example weighs 1: the loss is the plain mean, and a rare class weighs by its count.</summary>
    None = 0,

    /// <summary>
    /// Inverse class frequency: an example of class <c>c</c> weighs <c>w_c = m / (k'·n_c)</c>, with <c>n_c</c> the examples of
    /// class <c>c</c> among the training set's <c>m</c> and <c>k'</c> the classes that have examples (scikit-learn's
    /// <c>class_weight="balanced"</c>). Every class then weighs <c>m / k'</c> in all, and the weights average 1 over the
    /// training set, so the loss keeps its scale.
    /// </summary>
    Balanced = 1,
}
