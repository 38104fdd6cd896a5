import GatehouseDomain
import Testing

/// A public key generated once with `ssh-keygen -t TYPE [-b BITS] -N '' -C 'alice@example'`
/// (OpenSSH 9.2p1), together with what `ssh-keygen -lf` printed for it.
/// The tests never run ssh-keygen or read files: these literals are the reference.
struct SampleKey: Sendable, CustomTestStringConvertible {
    let name: String
    let line: String
    let algorithm: SSHKeyAlgorithm
    /// Second field of `ssh-keygen -lf`.
    let fingerprint: String
    /// First field of `ssh-keygen -lf`.
    let bitLength: Int
    /// Last field of `ssh-keygen -lf`, without the parentheses.
    let displayType: String

    var testDescription: String { name }

    /// The base64 field of the line.
    var base64: String { String(line.split(separator: " ")[1]) }
}

enum SampleKeys {
    // 256 SHA256:M92dalJcoAcZX9n9D7ZhStR+G4LluRUTFJ0Jiwtv4KM alice@example (ED25519)
    static let ed25519 = SampleKey(
        name: "ed25519",
        line: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5YYOTA3MrlLkaUMEh9SREZnCcyqIrfKFg5MqGm4gH1 alice@example",
        algorithm: .ed25519,
        fingerprint: "SHA256:M92dalJcoAcZX9n9D7ZhStR+G4LluRUTFJ0Jiwtv4KM",
        bitLength: 256,
        displayType: "ED25519"
    )

    // 256 SHA256:/dfIOa/6as4SmmQabsaCqSEfvUx6/18NWXY6NDNnNZI alice@example (ECDSA)
    static let ecdsa256 = SampleKey(
        name: "ecdsa 256",
        line: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGrdn8gYfJwtZasOtzX9fKdKWMxN1Qr4xehLqZO1Xm9fwY3oZyBAxZRFIJYx+xJUPqj1Om+D1ejUj4WBR78KrCo= alice@example",
        algorithm: .ecdsaP256,
        fingerprint: "SHA256:/dfIOa/6as4SmmQabsaCqSEfvUx6/18NWXY6NDNnNZI",
        bitLength: 256,
        displayType: "ECDSA"
    )

    // 384 SHA256:IpUFhbUeuSGpCoKjL6n5hSNLMy78Jvj15ULF0+XuUMQ alice@example (ECDSA)
    static let ecdsa384 = SampleKey(
        name: "ecdsa 384",
        line: "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBE/OLFLpI1acFVwu8kAjSJhFQTKX3frujjXoRpypNzVXI4CbPWdylgc3qPdSvxR2wZ2qZSty2547uoDrFC+vWCYIaob+M9EdfpJCESg0yXQJ2gM0sR8R6IyjjDC8yQyA9w== alice@example",
        algorithm: .ecdsaP384,
        fingerprint: "SHA256:IpUFhbUeuSGpCoKjL6n5hSNLMy78Jvj15ULF0+XuUMQ",
        bitLength: 384,
        displayType: "ECDSA"
    )

    // 521 SHA256:E1c3j2X382F6OLlDJ32nx0IF4g4c946gUC/Bc6Z8XZ0 alice@example (ECDSA)
    static let ecdsa521 = SampleKey(
        name: "ecdsa 521",
        line: "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBABV7ktua/s5o1iaDJBniboBmSGnUMFbOd0GaylvX2JV55IBfeHVPhfoQ4VrHYu3lOrQ561qYhX5JRWx6A174Tfs7AH7FrAJpYPepInq3QSRfRoR8HMu8wj64Sulta77pePpQyCrZJZ4FmxBR76p5wAiRn7X5WdYgcmjphhYnfMKRIWWbA== alice@example",
        algorithm: .ecdsaP521,
        fingerprint: "SHA256:E1c3j2X382F6OLlDJ32nx0IF4g4c946gUC/Bc6Z8XZ0",
        bitLength: 521,
        displayType: "ECDSA"
    )

    // 2048 SHA256:GyWGJp59ye6Xb6dEMiID9cdeuMTb0zHTfC9hgPcqgSQ alice@example (RSA)
    static let rsa2048 = SampleKey(
        name: "rsa 2048",
        line: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCsPGgQOlSxEJNXUQiG2dvNBYvWWTy7LWbkB7cKRMkfksO93xzbpK2+y5DvczCwo2GQ9Zv+BYfzR7eMnbESLausurbO0twuRu8jFjKofjTNOJ1/K4YZBKQHerJ/8Pw/Pq64RmLQrIE8oOE+65knbHKKfYOC6dH6Mfa+550FwHc+kLCztPxv1IaGwWdcerQMu+YJGxowC4NkRvPLK2MV1nKHd02di/1lIZI91xMksyKgHylVMyoRk+Fq0CZgB5tXdp79mq3AwbqG2q7IJZMz21aWLGqw5BMoGIg8I21xyMZHgvhbJSBZcD8g65RiTWtX4/q1/f18tQjbPwEGBQKVxKwv alice@example",
        algorithm: .rsa,
        fingerprint: "SHA256:GyWGJp59ye6Xb6dEMiID9cdeuMTb0zHTfC9hgPcqgSQ",
        bitLength: 2048,
        displayType: "RSA"
    )

    // 3072 SHA256:81KUgP1sXMZwEo+XpbQDGIfhhqkNKCPzaEd4JSCMHrA alice@example (RSA)
    static let rsa3072 = SampleKey(
        name: "rsa 3072",
        line: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDN7iOqITseoXa0lu4tTmAHBpyMRjehSrJr8DEQkNFVuZKSc6s+yrlTM1JvV+PrwlH40EFHpVl2SzDBE4jv/xZzbOay/8A9WTDtOzpPHIXYUHIxCZKxVVJDslykLughAGgRs4hib1ORsqrytYya++jfOGdCHyRNykv4FiozEBsM8Pss6Wmfhhw8AMeH30yACdUyN9PAt1tTW2/9VKpLieo+bfxV1Ucc/Fj+LtNXTvs/yh/SeFm87Xi9/Y5RNXbwFBpcvKKB3QosUaQCPEzXUZ5Zv1J28Wn1d1apd0ketV4V1v38fh4/0bBh1Do5Wd45qJiVuA4Y9X7ydY6xlKJavueQLpXpHSl6xgg7nAc4yuCuKt0erMJi8J4I2RyClZurTdi2QeGJr8XvEqzMD5Wn+srxEkZmZj/YE5j3zZcqHzy9HFGQpl12th5fMfrQnNcXfW+Gm6ri6l7TVs6FTRL1HRC0GT8xxQyECaMcPWgiHGlINnAqzj1osez3w1OjSsguQzk= alice@example",
        algorithm: .rsa,
        fingerprint: "SHA256:81KUgP1sXMZwEo+XpbQDGIfhhqkNKCPzaEd4JSCMHrA",
        bitLength: 3072,
        displayType: "RSA"
    )

    // 4096 SHA256:oMYlyNUE01iE1HWh73HNwFU2LaIhHGdTvQKwYFLSj/g alice@example (RSA)
    static let rsa4096 = SampleKey(
        name: "rsa 4096",
        line: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAACAQDWB6dKkUvi1eSHsnqRzlfHRo7OPyuDggw1mLydiFZUnNB/6TsSbihP70vSfYvtjZBVDcgZM8YFttCfr5ICviSZ+9RguhAlGpHVQMNxu8Y5++SagFWe1BsRZD8/qJIo89V8gBSSo2a0ncXwz6rNfh2dGjVd8oiE8l+koodM5BuyTVF6LrwkGhE0jVlBFKUEgHgq1NB78OZsWM8QW2O+COoZU5dxAJyKGcihbuOvl2qtMcPBUoN2O0kOTGGG81z8/DXlqMSieK8zfax6jcFoA2vr4gTYmRIVovaWz/SVQgBnsiv6sMu6Voa6Bv44kTY810RBRnuvS6Z4E0dCxZ5PzuNEGY1eTt6hzNQ9lp6+mr3Xzl7QM0QYBpID5wyd6Mln6JrilE3FkdWoWzk4FASsfctLC36jGT2ToRMKYSeyJh+NfoK/7h52pmGPtQl3cP8//qNHvLe411hVgmCMNokSvE7iMoL/8UzmYq/iaDUo+6CYUriKprXBvAnl5cpqehXbWa6jmOR5n0VTZE4hQpluPwt0mGuQ0zePlJuGtjI0JwPXBbE1GGy7MKTwdON+6WjDFHD6DxsuzOyVZb8Q4SOrYuKjOSh9YJ0m2HRm5YJ8tCzG76RAECTISlI8XG0+SnE/bkG91WDB7gowHoN02fbmfd0rfjMUPZc+18ixGSNfvlTByw== alice@example",
        algorithm: .rsa,
        fingerprint: "SHA256:oMYlyNUE01iE1HWh73HNwFU2LaIhHGdTvQKwYFLSj/g",
        bitLength: 4096,
        displayType: "RSA"
    )

    static let valid: [SampleKey] = [ed25519, ecdsa256, ecdsa384, ecdsa521, rsa2048, rsa3072, rsa4096]

    // Refused. ssh-keygen -lf printed:
    // 1024 SHA256:YHrD2bCmhKADtsBvHKghGUVvTKyAKYHyA1B51/i5w5c alice@example (RSA)
    static let rsa1024Line = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCsYQcXboF2WWZX/RFDJMYcRAs/HqE/BCQbdFBtUOssWtVRnrAyZLI/ZjF1ou5J1e+jFihObSV3kagjjGEjCze/LgPXn76yvF+0FVTyK4HYsbOwLTMHdzcxcqkqYcVSJ3YdrQYKqsmJB1OnH3DY710fHClETgf/0QAQoOQI29Guww== alice@example"

    // Refused. ssh-keygen -lf printed:
    // 1024 SHA256:0h8FCKnDfy2cezvWTh/ig8/tHrAf3vwOzY7LESpiaiM alice@example (DSA)
    static let dsaLine = "ssh-dss AAAAB3NzaC1kc3MAAACBAPJ7dSP3nMd8sC5bKGkPLltOGg/LkxPpIq3lYHzkNItIWip5NHy/HC72jx7blPgNWC7UpQVE0A+li8oW1XUaZdJeDn8uJQV12ozgZzfm/mxh7qLNKdXjNCl2cO/CRDdcheAU4LOLPdKuK4Dhhg4O3a7L36KWBxLFfosoimTEYs81AAAAFQDkMqMKnNsQZX/w+eSh9TmBnel9RQAAAIBsb4rMwJLoZuL4XxFrH5AZ6qKkS5Vd6VXsdFds6PuRrTI08NEgc1C7n3jOfIEnmLsaVu8dhLgbJLoZMzduwN3pjyXcGGiiA1jGa5C8NUl/lxM7tcMX/IVFKfcCGPC6rr1Hsu+VxepoH5Mx8UfG2+hTS8SIcYTpTHXZyW1m5OaXiQAAAIEA8JeXyeU56MEh0jA40HzEWyuan4ydCWqO1fUXMcZ6vdCA4EOHB4VEoLYHG70cK7ASrVLbq+1ZYq3muIf3KWDJVLUr0vnhkf1W961x9Oxkk8ol8c6wU1oBk3ysf+81KSPQL/deEBuF59KX91nVk0Vp74PoYbaRNzis6N0RcL/BKcA= alice@example"

    // Refused. `ssh-keygen -s ca -I alice -n alice id_ed25519.pub` on the ed25519 key above.
    static let ed25519CertificateLine = "ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIFO1ZWAaewo6QdLHrpaKeERIs1BXlscM8M1b2Lw2LW6CAAAAIH5YYOTA3MrlLkaUMEh9SREZnCcyqIrfKFg5MqGm4gH1AAAAAAAAAAAAAAABAAAABWFsaWNlAAAACQAAAAVhbGljZQAAAAAAAAAA//////////8AAAAAAAAAggAAABVwZXJtaXQtWDExLWZvcndhcmRpbmcAAAAAAAAAF3Blcm1pdC1hZ2VudC1mb3J3YXJkaW5nAAAAAAAAABZwZXJtaXQtcG9ydC1mb3J3YXJkaW5nAAAAAAAAAApwZXJtaXQtcHR5AAAAAAAAAA5wZXJtaXQtdXNlci1yYwAAAAAAAAAAAAAAMwAAAAtzc2gtZWQyNTUxOQAAACDgwvnKZEf092dYqZ+RnJGBhUl3yvHhUmAKoeqnnuvOsQAAAFMAAAALc3NoLWVkMjU1MTkAAABABWtb3j/EZ+pmcOz0Br9tPrffVTq/ugVZHu6n9XRw+d4hn6nxsB2cJ4BZagi29k+OeRa9qqR+UnI8KdoU/kG0Bg== alice@example"

    /// The start of an OpenSSH private key file (header and first line only; no key material).
    static let privateKeyText = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        -----END OPENSSH PRIVATE KEY-----

        """
}
