"""Your own objective for ``nasforge search --objective-fn objective:objective``: build your model from the
decisions, train it with your own loop, report each epoch, return the validation accuracy.

    cd examples/own_model
    nasforge search --objective-fn objective:objective --space-file space.yaml --objective val_acc:max \\
        --strategy local_search --n-trials 30 --workers 2 --study own-mlp
    nasforge show own-mlp
"""

from digits_mlp import EPOCHS, build_mlp, train_and_score


def objective(arch, report):
    model = build_mlp(arch["depth"], arch["width"], arch["act"])
    epochs = int(arch.budget or EPOCHS)  # a multi-fidelity strategy (hyperband, asha) sets arch.budget
    return train_and_score(model, lr=arch["lr"], epochs=epochs,
                           on_epoch=lambda epoch, accuracy: report(epoch, {"val_acc": accuracy}))
