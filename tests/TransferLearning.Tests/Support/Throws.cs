namespace TransferLearning.Tests.Support;

/// <summary>
/// Asserts the house rule for bad input: the right exception type (exactly), naming the argument, with a
/// message that states the expected and the actual value.
/// </summary>
internal static class Throws
{
    public static TException Argument<TException>(Action act, string paramName, params string[] messageParts)
        where TException : ArgumentException
    {
        var exception = act.Should().ThrowExactly<TException>().Which;
        exception.ParamName.Should().Be(paramName);
        foreach (var part in messageParts)
        {
            exception.Message.Should().Contain(part);
        }

        return exception;
    }

    public static InvalidOperationException InvalidOperation(Action act, params string[] messageParts)
    {
        var exception = act.Should().ThrowExactly<InvalidOperationException>().Which;
        foreach (var part in messageParts)
        {
            exception.Message.Should().Contain(part);
        }

        return exception;
    }
}
