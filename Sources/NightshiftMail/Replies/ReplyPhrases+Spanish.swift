extension ReplyPhrases {
    /// The Spanish defaults.
    static let spanish: [Category: [String]] = [
        .interested: [
            "me interesa", "nos interesa", "interesado", "interesada", "interesados", "interesante", "suena bien",
            "suena interesante", "más información", "más detalles", "una demo", "demostración", "una llamada", "una reunión",
            "reunirnos", "podemos hablar", "hablamos", "encantado", "encantada", "con gusto", "me gustaría saber",
            "me gustaría recibir", "llámeme", "agendar", "por qué no", "cuénteme más", "cuéntame más", "le viene bien", "te viene bien",
            "le va bien", "qué día", "cómo funciona",
        ],
        .notInterested: [
            "no me interesa", "no nos interesa", "no estoy interesado", "no estamos interesados", "no interesado", "no gracias",
            "ya trabajamos con", "ya tenemos", "ya contamos con", "otro proveedor", "no es para nosotros", "no encaja",
            "no es el momento", "no por ahora", "de momento no", "no necesitamos", "sin interés", "ningún interés",
            "no tenemos interés", "demasiado caro",
        ],
        .unsubscribe: [
            "darme de baja", "denme de baja", "deme de baja", "dar de baja", "baja de su lista", "borrar mis datos",
            "eliminar mi dirección", "eliminen mi dirección", "eliminar mis datos", "no me escriba", "no me escriban",
            "dejen de escribirme", "deje de escribirme", "no me envíen", "no quiero recibir", "no deseo recibir",
            "quitarme de su lista",
        ],
        .ooo: [
            "fuera de la oficina", "fuera de oficina", "de vacaciones", "vacaciones", "ausente", "ausencia", "estoy de baja",
            "acceso limitado", "sin acceso al correo", "vuelvo el", "regreso el", "estaré de vuelta", "de vuelta el",
            "ya no trabaja", "respuesta automática", "de permiso",
        ],
        .referral: [
            "póngase en contacto con", "ponte en contacto con", "contacte con", "contactar con", "contacte a", "escriba a",
            "la persona adecuada", "persona indicada", "el responsable", "la responsable", "en copia", "pongo en copia",
            "con copia", "mi compañero", "mi compañera", "quien lleva", "quien se encarga", "se encarga de", "diríjase a",
            "he reenviado", "sucesor", "sucesora", "sustituto", "sustituta", "ha asumido",
        ],
    ]
}
