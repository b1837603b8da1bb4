from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "job" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(64) NOT NULL,
    "key" VARCHAR(200) NOT NULL UNIQUE,
    "payload" JSON NOT NULL,
    "state" VARCHAR(8) NOT NULL /* QUEUED: QUEUED\nRUNNING: RUNNING\nDONE: DONE\nDEAD: DEAD */,
    "attempts" INT NOT NULL,
    "run_after" TIMESTAMP NOT NULL,
    "claim_token" VARCHAR(64),
    "last_error" TEXT,
    "created_at" TIMESTAMP NOT NULL,
    "finished_at" TIMESTAMP
) /* One unit of background work, idempotent by ``key``. */;
CREATE INDEX IF NOT EXISTS "idx_job_finishe_6ddac6" ON "job" ("finished_at");
CREATE INDEX IF NOT EXISTS "idx_job_state_77f629" ON "job" ("state", "run_after");
        CREATE TABLE IF NOT EXISTS "outbox_mail" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "message_id" VARCHAR(200) NOT NULL UNIQUE,
    "recipient" VARCHAR(254) NOT NULL,
    "subject" VARCHAR(300) NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* A mail "sent" to the embedded outbox (no SMTP server configured): the demo's */;
CREATE INDEX IF NOT EXISTS "idx_outbox_mail_recipie_8eecb6" ON "outbox_mail" ("recipient");
CREATE INDEX IF NOT EXISTS "idx_outbox_mail_created_de2552" ON "outbox_mail" ("created_at");
        CREATE TABLE IF NOT EXISTS "password_reset_token" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP,
    "user_id" INT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_password_re_created_3d2cbf" ON "password_reset_token" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_password_re_expires_246802" ON "password_reset_token" ("expires_at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "outbox_mail";
        DROP TABLE IF EXISTS "job";
        DROP TABLE IF EXISTS "password_reset_token";"""


MODELS_STATE = (
    "eJztXVtz2zYW/isYvawzo80kTpxmtDs7I9tyq60tubKcbFp1WIiELDYUoBKkL93Nf1+A9w"
    "tIkRQlUSxebAnEAanvgMC547+dFdGQQV/3bU23Bo8IW50e+G8HwxViHwRXu6AD1+vwGm+w"
    "4NxwukPeT0FBxzm1TKjyIRfQoIg1aYiqpr62dIJZK7YNgzcSlXXU8UPYZGP9DxspFnlA1h"
    "KZ7MIvv7JmHWvoGVH/6/qrstCRocWeWdf4vZ12xXpZO21DbF05Hfnd5opKDHuFw87rF2tJ"
    "cNBbdx//AWFkQgvx4S3T5o/Pn877sf4vcp807OI+YoRGQwtoG1bk586VsK2jKKPxVLkbTB"
    "WlUwIglWAOLntU6vz6B/4Ifz99+/679x/ffXj/kXVxHjNo+e6be+sQGJfQgWc07XxzrkML"
    "uj0cjENQoZUG9ZJhY+krJEbWpUggq3kkr/0PSZx9VPOA9hsOg3QOjNPhzeBu2r+55cOvKP"
    "3DcGDqTwf8yqnT+pJoPfnwircT9p6471AwCPg8nP4A+Ffw83g0cNAk1HownTuG/aY/d/gz"
    "QdsiCiZPCtSiQPrNfhPrGuGq6vz6FGcvltDM4GpAkeAsg6geXoYrxT5emxV8VgyEH6wl+/"
    "rhfQ5zP/UnFz/0Jycf3icYNvKunDqXviUBJqZSakWKkmxelwQYey9DYyCuZWVKQopWUDdK"
    "TtwoWaXZ2zRkY5P39KzI7GW9Mqevcy0OtkpWa4hfys3gONGO5vDxba4hqtSe/45Uy8WkxB"
    "xO0rVwCX53WmASvzvNnMP8khjsUlM4TiSX4fQc1pDFllKaxvTfd+ORGNQISVIs1FUL/A8Y"
    "Oi2CbKUZ3PnnwsaO8ALmtm5YOqav+W3/1dm/nMghiomI/vw9uen/Jzm1L67H50nZjw9wzh"
    "jCdaDF14jAzhvmUP36BE1NSV0hpySrb/rS6nSVbIEYPjjw8l/Mf1+gHlrLKfmKcEeoO/oX"
    "u/mqo7Vk6p7fb5Pm2OmDOYImMoFDA076t8NXgJgAgrlJnii7QBGlnN0nUFvpGNwPX/0DEG"
    "y8AN2iYAnpEugUUCYVIO11J8HSHQwvNdpmabQOYxXOqDJbcJyqng34sDDvWAP6yn5WGYD9"
    "/i2Ubd5+KADu26Q9IASXX0qI59RcKBSpJhKYZ7IxTpC1TxeqfxozrDgWSnk7WJxyP/aw/U"
    "LPfqA2ZjufNyuOxEDmTeBc+xh6XutstApcj1NKK2iTraA2E+fKqYcRikq6YeNe4RpkrZQu"
    "Egc4je4VE431B/wjenFAHrInglgVGTY8TeLeG+bIwP3mzx6/NXxVTfgUiPvRScV+O/vFyH"
    "L38f7dRf9y0Pl2GOXuApmWvtBV6DxNSr2LXu7mKXhqoqP0DR7T293N0aQekekylj0Xg08r"
    "ZdMUEku9aqNAaiBoMjgU53sJvJN0LdSzTt+8KeIJefMm2xPCr4nxLu14ShG2EfHd+J5sk7"
    "JlXreMUjM8SddGvHcxw323XdkVJUnXPnPCTuE2yANJw32uY2i+5APuUyYAn79YiB4f5DkI"
    "n3sukECZZLieD0f9yZfAYRJolNfj0ffnApfJ+ZfpoJ9ggU6pXcmmEyNsoUmnTdq9hVZrg0"
    "GvMEmTCqOdMhUAEanU9wXO4LW2KLeEeQQVV66mwXmApYsu4enZhzLbdEixK4GoTeoVwiYx"
    "jBXCJQNHUnT1rBdHbz/YKlJBxJY0T8YYTQn7U9CaOIgNdVQMKWpRTE3GAnbF7WyFS6KrYj"
    "Ohe6WbayEM+9RqHPylw1poELdMqO58/lUaDQ9oNAzYUBzaKIkUwwRimIWeBevilLVmybfP"
    "1QMAmgZmns4y+M80JoSl4u1iMpjfPRmEl1QeGZKmiVQB5OeEGAjiLOUxSpgUgRnlrsAPWv"
    "YsAo/H1zH0z4dJeO9vzgeTk7cOK1gn3d2g0hPcX8fLyWQJKrl0bPbYRjfMLb22P0WGOjKQ"
    "i8pZiQnWKO+taysUimTepXyZLNJJemyP6e3OE77KmvjrdRY2yC+7G1dhaYu+tORvaQ7jAC"
    "r2WqsYoykgr8GqfzxsOTqjvgzHzV7g2hWOW8JwGJFw0GqOTEFy2rlHePXjBBkww5hQLtyw"
    "mW95Smb9tlspk4dciIVM58oGGTPoI0XMtoiYpcN2ZLxOSTEz+mQpnLONfgmyNkTr7Nv0Ry"
    "1o2YLdhU/uAbZXKctI3BEbUO9vpncuJ/2raacc/i5RDzj/Zvj2/vx6ePfD4LIHgo8zzNEc"
    "fuKN/qdOhRdkB6lxUkL8i0iIsUAUe27odFmJ70laqQE2WQOEprrUHysxOkEq+dxkPvur8b"
    "xsEaIknSziIijiYq8NJyOLadImWZVDWEwsYd7oXAunZg3utXZZKboJz1rqLY751thTgNH9"
    "9XUnb1LXgHFoxGgnyuI3OQPqIva3MPBsSxvcdkF6DYU/kVdGKeuwHUzXziBtgmiX1srIpB"
    "JYLONTLttqGQ9FrTti0csa7HQD86gMVzykOZMyJqgZ9swCJp+AusnGTbbIX1/1AP87w/27"
    "u+H3I8eu432Sdp2GL6YttuvwMCQuilTie4JW6vtN1vchpUw2r6DwpwmlKprW+Jtb0PnIYX"
    "VqDpRENUIjg5IFqPqlM0rBGieSuG62R0V0jf0Yo5qGb1E7SXxqicO806vCPg1Qx4psbC2M"
    "ATthEsVkeDHtZEkJ0oa6Adu0YFTAiBqJ+9967gYjtRPfuHSUMXmLWE3XJuGSdC22wNvIWC"
    "1ZM8rZBCNTOV54UIysnzy+Gd9EwcN2zOlvJU2o/ybzjsB2ypu7eUbT370OG8v7M1YABpoF"
    "yAJwDj+YxMYaeCLm1y7QNbRaEwthC8xfwG+/fUUvv/2WruFfYYwZnuERAQt3kQOskfYABO"
    "yxwQq+AGJbhv6IwNMSWkCFNkUaYOOfQLBGJnvrgIlW5JE1zhEfYoatJdJNwCu/gSd+KzbA"
    "qy6AWPNOCcCagUygIZU9DnWHtfifFYKYFjw24BcnosyZjKaNFbiwWLdfpXl4n+ZhWeV+l0"
    "cIIIEckoOt213mqhUJIl7DF4NAwdzNPsYnQiKP8YmZVase45OMLa7uZ/KJ9xhZ/NP94N5z"
    "DpVwNblUPeD+n+HJ/Wg0HH3fA96HGb4cjwY9wP+yz4M+68v/VnFCfSzw2nzMfGk+ps50tH"
    "hdOFFkQ7ZtOkKyP4vUm0ZvpiGgodSSQjTfsxMjbKFDr01+HdWA+io84KvoZp4ga0O2ys4r"
    "g0NqKcg0ieB9yk4LilO1Aed9ZwXJyIS/xEK20HHVDJME6V4CEeShQMXZXCLXfJfxiV40p8"
    "C+FsZ5ZpvYjLBPzTGJoTtL1lDco6AsayjuUxnJtuRtVr+PwarX+TS8HIx7wPnH9G6mU7t6"
    "t/thhvsX0+Gn4fRLD/ifZvin++HPXFcf/lxF/64/CFQWF9h5cQHbdI9koojdXBMYO64MAj"
    "Mzw9LECeAXnLpVOsXl+P78egBuJ4OL4d3QswwGIo1zkTeF5S3ZG3edQP1R1xBRbLPUAUMx"
    "ojYobqnpXXB+507w1AyfE03gVshWkP3+bUB436rxmseg4AeFqsREyhqZqrCCe7bUkkUvY1"
    "HTEgx/eyrYqJNkEloZ5nuQcFQZNbl91GSBqsPpYs9bBp61sNDzTtNQE4F6meaeaCjfJrOP"
    "Eo0hrNv+E8949exM0gJ00LTU46tENhwpt5Px95PB3V2nHOpM4Lz4kQcNuP9nuP+pP7zuM8"
    "WqB4KPMxy5QQ9Evszwxfjm9now5UMEH5th0HiClsodA3QNRctwdjBOirAZITn8fq0JyVHJ"
    "IzI5xhVMIQLaipaQaiEgr3cVBLJjS4gzrxW2QJnVXKoiepn42zSHWypswURrYlpVKrinqC"
    "W3m8ztOdMVKpuDxMTSYJE2WPgGHYWnKpRAOEUnoxYzoVWhaerV0I2QSoCTAKNnNngVS2aa"
    "UIKbBLe6ZFW7TNU0Y1CLy+hUPyFHHo7TCCYXC7WWxZL+Ipxu2Cnlh164ay8/45jUS1afid"
    "BIVDd7+/JOdC/t8WtludhutVPd0zO5BoBbV2g2CW7s/d2ilke22lLOpar/2XdHahHmO/Wq"
    "jm1rTp5voG50BB7VyNVunjeVOP2Uld9xY72KvlvkYdah7L2cdYBFgLVEgJ9Dp2lIA+6A4A"
    "QTcHczvQUUmY/IBAybhf5gm0h71XMINLQif6NJp1TNw88wr0ABAV1BwwA6f+sNdyr+jYIn"
    "+MKH50qQX5ACOePpKgJPxDY0sISPyHkgpBWsUSG9wvv0Cq/YIsbeDqHkkh1HGqeS5ROKhE"
    "mbSNXXulB4yQY6RrQrz/sBgT4rktLKemUDfZZKaqX2/HekloI5QtLCqP93habzu5zp/C49"
    "nS30LIA4Oyba798KfPcdFL20VoI4/2yw/f4S7NYnZ8uk3aNL2r2FlD4RU5sgiqypU69CoH"
    "8IeuXqIWuvv2JygrAOhjwouTXCusNTZQnpsoxwE6dqnbBef1UUuQG0dQOIxwysdTZcBS7H"
    "KSWXm8xlHpRUxYdNpVvzWPhb8tCHCIV0um12utlUHvew2RcUmVRlk+t2qWkEeXYC/SKag5"
    "etVfwR7VX7wYW+h1AWCdrbq97N0S9kkaD6I0PWJvFcskWNdyGFNN9VMN+t2NPrawMpENMn"
    "ZIrc6oQYCOIM15aAPMGHOaPfFSOClv1y4nw8vo5x4nyYhPr+5nwwOXnrsCXMx5KhUAeRym"
    "SUzvZROqUKH6hLoqtoyxidC2eQFoG90/CcaESTUH6NBTzlibD6n36Kxy7E2GgdBWyv5v6R"
    "KlKMPZAY6zGhOLAhgdx7RAlAFXMv60m7bDu63G8nSgnMlVJDoj3KpodREmoUTTM1guyiGd"
    "lagDzBpoYTbOz5SrcqJhcmaFuYXtgmQ70vJZVTDBNUcgPZrBpmHw1aUTls4fmg3YSSmJhm"
    "zTLhB2rOFBpOpnGeKuT26RbVhxQr6L8xb4HfBfjJKoCu+SGVPDngwYTY4qdbhmdahnlHtM"
    "vPuwTecdhOf37/9AmctY7Oz+ac8N5scNYaoWCDOFnpFPg8Z1urNcMP+iOiABP/zu6DOGeB"
    "uukQGD1b0XHIwml26yoCb8yFSVaAKYaIPcHAhLwQrdPLO/KTvTqU3cVa6uwPIVkJEb9Ej1"
    "mXtfMaoFHK2iiydMcxgtugIg4NFQ1aIVt720VZn0uUSErW0pV1KFdWIOvIGKN8T1b0hZWZ"
    "/A3xEe5S+ZswrC+IjS1HMUjpfdHL3TyVj/OMwRD23KjsXemMX39/YowjT8CjpFwJc1LDmZ"
    "w8h5yMMoUJPbI5YYAnYn7lfegSmggQjIChr3QrrenVO7RQf/LOdXfv4ZZ2lRrUQTUojyNF"
    "c1a87q0IgNpDbnlsopeU9JO0UtZvtKzvLJglFqigv9SOhYLoYTZ2R1QV7Oi+CJu9lfvx+D"
    "KtszV7I/JrBxXdHQOC1iVz7qQgiPO/BLx+fyl9FJM+gszzspnJKcI2In52VmhGn+XM6LMk"
    "4lB1tnUXKCHgm0/0SY7RZOzZIno5/DS8vO9f83N6/M8zPLi5vR5/GQx6wP+UVDeL8Kj+Q3"
    "pMYlRmjE+7x4OWrgf9yWgw6ZTkikfWA94H99ik/uiL0r+8GY7co5OCrzPMZN+rqx5w/jWD"
    "T8eV6r/fZay9tc155WqIX8oezhklkieIFDic0wGsBgP0RTjScSFc1AAdn1tb1JJ1ar1sma"
    "XSt61lUG/oyBatzEQVcSn0LZFqZQ3puBwT1pLaEitxOau2YLZLW9Fn3VpqbLnAF8i09IWu"
    "QmdlSNmOhP26ebakJ59CURMkG/1Dn3m5X50CAy2cWDgYROdFhuoBhIn9sORFgt1Aemdvv5"
    "z0P4+6ABNryQPk3OA4aKQ9Rbu6iTSANcsA9ohMl5nsuRh8WilrjZC4dYax+quc0SU8PftQ"
    "BumQon2ViOvHV6fUrqRZxghbqFgeiSJZyBsX7qAVzp1N0EpWN47VDfEW9tkWpy5FMp93JV"
    "fKg2Ef6TNskchEhZWacgUlKlbRGmXrb5Sfhb1UJRD2urcQ3beF/IZvc/yGb9N+Q3ZHS1hR"
    "IDsdO0Ky/3Tsw2yUtSVeH3Qz+/Z/BIyTng=="
)
